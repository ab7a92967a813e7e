// IEEE 802.3 CRC-32 (the zlib / PNG one), table-driven. Used for the key checksum, which lets a
// verifier and a secret scanner reject typos without touching storage.
/** The byte-wise lookup table, for callers that fold the CRC into a loop of their own. */
export const CRC32_TABLE = /* @__PURE__ */ buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of a string's UTF-16 code units; keys are ASCII, so this equals the CRC of its bytes. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC32_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
