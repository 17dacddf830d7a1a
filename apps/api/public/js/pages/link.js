// /l/{token}: the server has checked the link; keep its token for this tab and open what it grants.
import { rememberLink } from '../api.js';
import { setLang, t } from '../i18n.js';
import { layout } from '../layout.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
// An LTI link made in a language (its custom parameter lang) opens in it.
if (meta('tcplab-lang')) setLang(meta('tcplab-lang'));
layout();
document.getElementById('main').textContent = t('link.opening');
// replace(): the back button should not return to a URL holding the token. The fragment this page came with goes
// along: an instructor's results page finds its "try it" link there.
location.replace(rememberLink(meta('tcplab-link'), meta('tcplab-next'), location.hash.slice(1)));
