import sharp from "sharp";

export interface FigurePalette {
  /** The backdrop gradient runs top to bottom, or corner to corner when diagonal. */
  diagonal: boolean;
  backdrop: [from: string, to: string];
  skin: string;
  garment: string;
  legs: string;
}

/** An 864×1296 gradient studio backdrop with a simple figure: real bytes sharp can decode, as try-on models return. */
export function renderStudioFigure(format: "png" | "jpeg", palette: FigurePalette): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="864" height="1296">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="${palette.diagonal ? 1 : 0}" y2="1"><stop offset="0" stop-color="${palette.backdrop[0]}"/><stop offset="1" stop-color="${palette.backdrop[1]}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <circle cx="432" cy="250" r="90" fill="${palette.skin}"/>
    <rect x="302" y="350" width="260" height="420" rx="60" fill="${palette.garment}"/>
    <rect x="322" y="760" width="90" height="420" rx="30" fill="${palette.legs}"/>
    <rect x="452" y="760" width="90" height="420" rx="30" fill="${palette.legs}"/>
  </svg>`;
  const image = sharp(Buffer.from(svg));
  return (format === "png" ? image.png() : image.jpeg({ quality: 85 })).toBuffer();
}
