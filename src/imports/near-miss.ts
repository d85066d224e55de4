// The known name a mistyped one was probably meant to be (计算机科学学院 -> 计算机学院): by edit distance, or by the
// characters the two share, whichever finds a close one.

/** Levenshtein distance over code points (a Chinese character is one edit, not three bytes). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[y.length]!;
}

/** The share of the shorter name's characters that the longer one also has. */
function sharedCharacters(a: string, b: string): number {
  const [short, long] = [...a].length <= [...b].length ? [a, b] : [b, a];
  const pool = [...long];
  let shared = 0;
  for (const ch of short) {
    const i = pool.indexOf(ch);
    if (i >= 0) {
      shared++;
      pool.splice(i, 1);
    }
  }
  return shared / Math.max(1, [...short].length);
}

export function nearMiss(name: string, known: string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const k of known) {
    const distance = editDistance(name, k);
    const length = Math.max([...name].length, [...k].length);
    // Close when at most a third of the characters differ, or when one name's characters are nearly all in the other.
    const close = distance <= Math.max(1, Math.floor(length / 3)) || sharedCharacters(name, k) >= 0.8;
    const score = distance / length - sharedCharacters(name, k);
    if (close && (!best || score < best.score)) best = { name: k, score };
  }
  return best?.name;
}
