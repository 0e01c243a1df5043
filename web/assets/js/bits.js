// Bits of leakage as the pages show them, as the command does (src/cli/util.c,
// cli_format_bits): to one decimal, "0" when none, and "< 0.1" when some but less than
// one decimal shows, which "0.0" would tell a party was none.

/** "1.9", "0", "< 0.1" (append " bits"); the API's number itself stays exact. */
export function bitsText(bits) {
  if (bits === 0) return '0';
  if (bits > 0 && bits < 0.05) return '< 0.1';
  return bits.toFixed(1);
}
