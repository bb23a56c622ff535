import { afterAll } from "vitest";
import { endAllChildren } from "./processes.js";

// A safety net under each test file's own cleanup: nothing spawned through spawnChild outlives its file.
afterAll(endAllChildren);
