// What a photo says about itself (place, time, camera), shown to the writer before it is kept, and a
// copy without any of it, re-encoded through a canvas, for sharing. The original is what the journal
// keeps and hashes: its metadata can be evidence.
import exifr from "exifr/dist/lite.esm.mjs";

const READ = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  interop: false,
  makerNote: false,
  userComment: false,
  // Dates as the camera wrote them ("2026:11:30 18:41:00"): no time zone is guessed.
  reviveValues: false,
  translateValues: true,
  translateKeys: true,
};

const clean = (value) =>
  String(value ?? "")
    .replace(/\0+$/, "")
    .trim();

// A summary of strings only (canonical JSON holds no floats): the keys the page words as
// exif_<key>. Empty when the file says nothing of this, or is no image exifr reads.
export async function exifSummary(bytes) {
  let found;
  try {
    found = await exifr.parse(bytes, READ);
  } catch {
    return {};
  }
  if (!found) return {};
  const summary = {};
  if (Number.isFinite(found.latitude) && Number.isFinite(found.longitude)) {
    summary.gps = `${found.latitude.toFixed(6)}, ${found.longitude.toFixed(6)}`;
  }
  const taken = clean(found.DateTimeOriginal || found.CreateDate || found.ModifyDate || found.DateTime);
  if (taken) summary.taken = taken;
  const camera = [clean(found.Make), clean(found.Model)].filter(Boolean).join(" ");
  if (camera) summary.camera = camera;
  for (const [key, tag] of [
    ["software", "Software"],
    ["artist", "Artist"],
    ["serial", "BodySerialNumber"],
  ]) {
    const value = clean(found[tag]);
    if (value) summary[key] = value;
  }
  return summary;
}

export const REDACTABLE = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp"]);

// The picture alone, drawn upright on a canvas and encoded anew: nothing of the original's metadata
// survives. PNG stays PNG (screenshots keep sharp text); everything else becomes JPEG.
export async function redactedCopy(blob, name) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  bitmap.close();
  const type = blob.type === "image/png" ? "image/png" : "image/jpeg";
  const encoded = await new Promise((resolve, reject) =>
    canvas.toBlob((made) => (made ? resolve(made) : reject(new Error("not encoded"))), type, 0.92),
  );
  canvas.width = canvas.height = 0;
  const stem = name.replace(/\.[^.]*$/, "") || "image";
  return {
    bytes: new Uint8Array(await encoded.arrayBuffer()),
    type,
    name: `${stem}-redacted.${type === "image/png" ? "png" : "jpg"}`,
  };
}
