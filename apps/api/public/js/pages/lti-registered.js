// /lti/register, once tcplab is registered: the server drew the verdict; tell the LMS it may close this frame or window
// (LTI Dynamic Registration 1.0 §3.7) first, before anything that could fail in a frame. An external file: the pages'
// CSP runs no inline script.
import { layout } from '../layout.js';

(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
layout();
