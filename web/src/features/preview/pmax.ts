// What a Performance Max asset group shows in Google's placements, for the
// preview cards: Google picks one of each kind of asset per showing; the
// n-th combination picks the texts and images the cards show, numbered as
// the search ad's combinations are (shiftedDigits).
import { shiftedDigits, type PreviewText } from './combos';

export interface PreviewImage {
  assetId: number;
  fieldType: string;
  width?: number;
  height?: number;
}

export interface GroupCombination {
  /** Up to three short headlines, for the search result line. */
  headlines: string[];
  /** The card headline: a long headline where the group has one, else a short one. */
  longHeadline: string;
  description: string;
  businessName: string;
  /** Landscape (1.91:1) marketing image. */
  landscape: PreviewImage | null;
  square: PreviewImage | null;
  logo: PreviewImage | null;
}

/** Each kind of image by the field types Google takes it from, best first. */
const imageKinds = {
  landscape: ['MARKETING_IMAGE'],
  square: ['SQUARE_MARKETING_IMAGE', 'PORTRAIT_MARKETING_IMAGE'],
  logo: ['LOGO', 'LANDSCAPE_LOGO'],
} as const;

function textsOf(texts: readonly PreviewText[], field: string): string[] {
  return texts.filter((t) => t.field === field).map((t) => t.text.trim()).filter((t) => t !== '');
}

function imagesOf(images: readonly PreviewImage[], fields: readonly string[]): PreviewImage[] {
  return fields.flatMap((f) => images.filter((i) => i.fieldType === f));
}

export class GroupCombinations {
  private readonly headlines: string[];
  private readonly longHeadlines: string[];
  private readonly descriptions: string[];
  private readonly businessName: string;
  private readonly images: { landscape: PreviewImage[]; square: PreviewImage[]; logo: PreviewImage[] };
  private readonly radix: number[];
  readonly count: number;

  constructor(texts: readonly PreviewText[], images: readonly PreviewImage[], fallbackBusinessName = '') {
    this.headlines = textsOf(texts, 'HEADLINE');
    this.longHeadlines = textsOf(texts, 'LONG_HEADLINE');
    this.descriptions = textsOf(texts, 'DESCRIPTION');
    this.businessName = textsOf(texts, 'BUSINESS_NAME')[0] ?? fallbackBusinessName;
    this.images = { landscape: imagesOf(images, imageKinds.landscape), square: imagesOf(images, imageKinds.square), logo: imagesOf(images, imageKinds.logo) };
    const lengths = [this.headlines, this.longHeadlines.length > 0 ? this.longHeadlines : this.headlines, this.descriptions, this.images.landscape, this.images.square, this.images.logo];
    this.radix = lengths.map((l) => Math.max(l.length, 1));
    this.count = this.radix.reduce((a, b) => a * b, 1);
  }

  /** Whether the group has any text to show. */
  get empty(): boolean {
    return this.headlines.length === 0 && this.longHeadlines.length === 0 && this.descriptions.length === 0;
  }

  /** The n-th combination (n taken modulo count). */
  at(n: number): GroupCombination {
    const k = ((Math.trunc(n) % this.count) + this.count) % this.count;
    const [h, lh, d, land, sq, logo] = shiftedDigits(k, this.radix) as [number, number, number, number, number, number];
    const hs = this.headlines;
    // The search line starts at the chosen headline and takes the next ones in turn.
    const headlines = Array.from({ length: Math.min(3, hs.length) }, (_, i) => hs[(h + i) % hs.length]!);
    const longs = this.longHeadlines.length > 0 ? this.longHeadlines : hs;
    return {
      headlines,
      longHeadline: longs[lh] ?? '',
      description: this.descriptions[d] ?? '',
      businessName: this.businessName,
      landscape: this.images.landscape[land] ?? null,
      square: this.images.square[sq] ?? null,
      logo: this.images.logo[logo] ?? null,
    };
  }
}
