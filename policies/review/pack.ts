// Packs a Markdown document of blocks into pages below a size limit: the job
// summary (one page, cut with a notice) and the pull-request comment (split
// into parts). Blocks of one collapsed group share a <details> element, which
// is closed at a page's end and opened again, continued, on the next.

export interface Block {
  readonly text: string;
  /** The `<summary>` of the collapsed group the block belongs to; undefined for a visible block. */
  readonly group?: string;
}

export interface PackOptions {
  /** Largest page, measured by `size`. */
  readonly limit: number;
  readonly size: (text: string) => number;
  /** One page, the rest cut with a notice (true), or as many pages as it takes (false). */
  readonly cut: boolean;
  /** The notice that ends a cut page: told how many blocks were left out. */
  readonly cutNotice: (omitted: number) => string;
}

const open = (summary: string, continued: boolean): string => `<details><summary>${summary}${continued ? " (continued)" : ""}</summary>\n`;
const CLOSE = "</details>\n";

/** A block too large for any page, shortened to fit with a note saying so. */
function shorten(text: string, room: number, size: (text: string) => number): string {
  const note = "\n… (cut: this block alone exceeds the page limit)\n";
  const fence = /^(`{3,})/m.exec(text)?.[1];
  const tail = `${fence ? `${fence}\n` : ""}${note}`;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(text.slice(0, mid)) + size(tail) <= room) lo = mid;
    else hi = mid - 1;
  }
  const cut = text.slice(0, lo);
  return `${cut.slice(0, cut.lastIndexOf("\n") + 1)}${tail}`;
}

export function pack(blocks: readonly Block[], options: PackOptions): string[] {
  const { limit, size } = options;
  const pages: string[] = [];
  let page = "";
  /** The group open on the current page. */
  let group: string | undefined;
  /** The group a full page closed: opened again as continued. */
  let carried: string | undefined;
  // Room kept for closing an open group and for the cut notice.
  const reserve = size(CLOSE) + size(options.cutNotice(blocks.length)) + 2;
  const close = (): string => (group !== undefined ? CLOSE : "");
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index] as Block;
    const prefix = block.group === group ? "" : close() + (block.group !== undefined ? open(block.group, block.group === carried) : "");
    let piece = `${prefix}${block.text}\n`;
    if (size(page) + size(piece) + reserve > limit) {
      if (page !== "") {
        if (options.cut) {
          pages.push(`${page}${close()}\n${options.cutNotice(blocks.length - index)}\n`);
          return pages;
        }
        pages.push(page + close());
        carried = group;
        page = "";
        group = undefined;
        index--;
        continue;
      }
      // Alone on a fresh page and still too large: shortened to fit.
      piece = `${prefix}${shorten(block.text, limit - reserve - size(prefix) - 1, size)}\n`;
    }
    page += piece;
    group = block.group;
    carried = undefined;
  }
  pages.push(page + close());
  return pages;
}
