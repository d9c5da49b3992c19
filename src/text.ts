/** "1 version", "3 versions"; `words` for an irregular plural. */
export const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;
