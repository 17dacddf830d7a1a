// Web storage as far as the browser allows it. A page framed by an LMS, in a browser that blocks third-party cookies,
// may have neither localStorage nor sessionStorage (reading either throws): its choices are then kept for the page
// only, and a link's token travels in the URL's fragment instead (api.js).
function usable(name) {
  try {
    const storage = window[name];
    storage.getItem('tcplab');
    return storage;
  } catch {
    return null;
  }
}

function inMemory() {
  const kept = new Map();
  return { getItem: (key) => kept.get(key) ?? null, setItem: (key, value) => kept.set(key, String(value)) };
}

/** localStorage, or a stand-in that forgets at the next page. */
export const local = usable('localStorage') ?? inMemory();
/** sessionStorage, or null where the browser refuses it. */
export const session = usable('sessionStorage');
