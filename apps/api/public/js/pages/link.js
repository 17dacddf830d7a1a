// /l/{token}: the server has checked the link; keep its token for this tab and open what it grants.
import { rememberLink } from '../api.js';
import { t } from '../i18n.js';
import { layout } from '../layout.js';

layout();
document.getElementById('main').textContent = t('link.opening');
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
rememberLink(meta('tcplab-link'));
// replace(): the back button should not return to a URL holding the token.
// The fragment goes along: an instructor's results page finds its "try it" link there.
location.replace(meta('tcplab-next') + location.hash);
