// The page's state in the URL's hash: JSON, deflated (CompressionStream) and written as base64url,
// so that a copied link opens the spec and the view its sender saw.

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  return "z=" + toBase64Url(await pipe(bytes, new CompressionStream("deflate-raw")));
}

export async function decodeState(hash) {
  const text = hash.replace(/^#/, "");
  if (!text.startsWith("z=")) return null;
  try {
    const bytes = await pipe(fromBase64Url(text.slice(2)), new DecompressionStream("deflate-raw"));
    const state = JSON.parse(new TextDecoder().decode(bytes));
    return state && typeof state === "object" ? state : null;
  } catch {
    return null; // a link cut short: open as if without it
  }
}
