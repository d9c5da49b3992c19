/** "1 version", "3 versions", "12,000 versions"; `words` for an irregular plural. */
export const plural = (n: number, word: string, words = `${word}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;
