// photo.js — a phone photo made fit to send over a weak signal: large images are scaled to
// at most 2048 px on the long side and re-encoded as JPEG (which also drops EXIF, the GPS
// position included). Anything that fails keeps the original file.
const MAX_SIDE = 2048
const SHRINK_ABOVE = 1.5 * 1024 * 1024

export async function shrinkPhoto(file) {
  if (!file || file.size <= SHRINK_ABOVE || typeof createImageBitmap !== 'function') return file
  try {
    const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
    const k = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height))
    const w = Math.round(bmp.width * k)
    const h = Math.round(bmp.height * k)
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    canvas.getContext('2d').drawImage(bmp, 0, 0, w, h)
    if (bmp.close) bmp.close()
    const blob = await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.85))
    if (!blob || blob.size >= file.size) return file
    const name = (file.name || 'photo').replace(/\.[^.]+$/, '') + '.jpg'
    return new File([blob], name, { type: 'image/jpeg', lastModified: Date.now() })
  } catch {
    return file
  }
}
