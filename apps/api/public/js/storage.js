// sessionStorage as far as the browser allows it. A page framed by an LMS, in a browser that blocks third-party
// cookies, may have none (reading it throws): a link's token then travels in the URL's fragment instead (api.js).
// Preferences (language, presenter view) fall back the same way in i18n.js.
function usable() {
  try {
    const storage = window.sessionStorage;
    storage.getItem('tcplab');
    return storage;
  } catch {
    return null;
  }
}

/** sessionStorage, or null where the browser refuses it. */
export const session = usable();
