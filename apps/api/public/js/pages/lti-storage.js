// An LTI launch through the platform's storage (1EdTech LTI Client Side postMessages), for browsers that block the
// login's cookie in the platform's frame. At the login ("put"): store the state and the nonce in the platform's frame,
// then go on to the platform. At the launch ("get"): read them back; if the platform has them, this browser started
// the login, and the launch is posted again, marked as checked. Messages go to the platform's origin only, and only
// its answers to our own message ids count.
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
const mode = meta('lti-storage-mode');
const target = meta('lti-storage-target');
const platformOrigin = meta('lti-storage-origin');
const data = JSON.parse(meta('lti-storage-data') ?? '[]');
const TIMEOUT_MS = 5000;

/** The platform's frame that keeps the data: our parent, or a frame of the parent's page named by the platform. */
function storageFrame() {
  if (window.parent === window) return null;
  if (target === '_parent') return window.parent;
  try {
    return window.parent.frames[target] ?? null;
  } catch {
    return null;
  }
}

/** One message and its answer (subject + ".response", the same message_id, from the platform's origin). */
function send(frame, message) {
  return new Promise((resolve, reject) => {
    const messageId = crypto.randomUUID();
    const timer = setTimeout(() => {
      window.removeEventListener('message', answer);
      reject(new Error(`${message.subject}: no answer from ${platformOrigin}`));
    }, TIMEOUT_MS);
    function answer(event) {
      if (event.origin !== platformOrigin || typeof event.data !== 'object' || event.data === null) return;
      if (event.data.subject !== `${message.subject}.response` || event.data.message_id !== messageId) return;
      clearTimeout(timer);
      window.removeEventListener('message', answer);
      if (event.data.error) reject(new Error(`${message.subject}: ${event.data.error.code} ${event.data.error.message ?? ''}`));
      else resolve(event.data);
    }
    window.addEventListener('message', answer);
    frame.postMessage({ ...message, message_id: messageId }, platformOrigin);
  });
}

async function put(frame) {
  for (const { key, value } of data) await send(frame, { subject: 'lti.put_data', key, value });
}

async function allStored(frame) {
  for (const { key, value } of data) {
    const answer = await send(frame, { subject: 'lti.get_data', key });
    if (answer.value !== value) return false;
  }
  return true;
}

const frame = storageFrame();
if (mode === 'put') {
  // Stored or not, the login goes on: the cookie may still work, and the launch says so if neither did.
  (frame ? put(frame) : Promise.resolve()).catch(() => undefined).finally(() => location.replace(meta('lti-storage-next')));
} else if (mode === 'get') {
  const refuse = () => {
    document.querySelector('[data-lti-storage="checking"]').hidden = true;
    document.querySelector('[data-lti-check]').hidden = false;
  };
  (frame ? allStored(frame) : Promise.resolve(false)).then((ok) => (ok ? document.getElementById('lti-launch').submit() : refuse()), refuse);
}
