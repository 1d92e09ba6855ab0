/**
 * The number in a line of the UK's TPS / CTPS data files, as the GB registry key
 * (registry-key.ts). The rest of a line's grammar — CR, BOM, fields, blank lines, a header, the
 * add/delete flag of a change list — is the one registry-import.ts applies to every registry.
 *
 * What the TPS documents (its "Technical Specifications for File Formats" for licensed
 * subscribers, published on the TPS/CTPS corporate site, corporate.tpsonline.org.uk /
 * corporate.mpsonline.org.uk `technical_desc.asp?context=CTPS`; the CTPS files have the same
 * layout, for corporate numbers):
 * - the file holds telephone numbers only (no names or addresses), one per record, each record
 *   ended by CR LF;
 * - full downloads come in two layouts of 12 characters a record:
 *   "with spaces": the national dialling code (5 characters, left-justified, blank-padded) then
 *   the rest of the number (7, right-justified): `0207 3787244`, `01635 506160`, `0191 5657153`,
 *   `07860 338653` — the split is the old dialling code, not today's (020 7378 7244);
 *   "without spaces": the number left-justified, padded with spaces to 12: `02073787244 `;
 * - numbers in national format with the leading 0.
 * What we did not find described, and assume: the daily/monthly change files use the same
 * records, either split into an additions and a deletions file (the user says which) or with an
 * add/delete flag in a delimited column (`A`/`D`, `ADD`/`DELETE`, …, as the FTC's and DNCL's
 * change lists); list cleaners' exports add a header line or CSV columns (number first, or
 * anywhere before a later valid number: the first valid number on the line counts).
 *
 * Accepted spellings of a number (in one field; spaces, double quotes and `( ) - .` ignored):
 * national `01632 960123` / `(01632) 960 123`; international `+44 1632 960123`,
 * `+44 (0)1632 960123`, `441632960123`, `00441632960123`. Not accepted: a bare NSN without the 0
 * (`1632960123`): it cannot be told from a NANP number (`2015550123` reads as a valid London
 * number), and a GB import must never take in an FTC file's lines; nor does a NANP import take
 * these (11 digits starting 0, or 12 starting 44, are no NANP form).
 * A number libphonenumber-js does not hold valid for GB (an unallocated range, the Crown
 * Dependencies' numbers, Ofcom's 01632 960xxx and 07700 900xxx drama ranges) is no number: its
 * line is counted as bad, with an example, like any other bad line.
 */
import { gbNsnKey } from './registry-key.js';

/**
 * The GB key of a number-shaped field (`plus`: it had a leading `+`; `digits`: its digits), or
 * null when the field is no UK number in one of the spellings above.
 */
export function tpsFieldKey(plus: boolean, digits: string): number | null {
  let nsn: string;
  if (plus) nsn = digits.startsWith('44') ? digits.slice(2) : '';
  else if (digits.startsWith('0044')) nsn = digits.slice(4);
  else if (digits.startsWith('44')) nsn = digits.slice(2);
  else if (digits.startsWith('0') && digits[1] !== '0') return gbNsnKey(digits.slice(1));
  else return null;
  // `+44 (0)20 …`: the trunk 0 written after the country code (no NSN starts with 0).
  if (nsn.startsWith('0')) nsn = nsn.slice(1);
  return gbNsnKey(nsn);
}
