/** placeholder: filled below */
export function toEnglish(instruction: string): { text: string; language: string; name: string } {
  return { text: instruction, language: "en", name: "English" };
}
