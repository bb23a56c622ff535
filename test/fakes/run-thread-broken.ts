/** A run-thread setup that fails as it loads: the thread never becomes ready. */
throw new Error("run thread test: this setup module is broken");
export default function setup(): void {}
