// /l/{token}: the server has checked the link; keep its token for this tab and open what it grants.
import { rememberLink } from '../api.js';
import { t } from '../i18n.js';
import { layout } from '../layout.js';

layout();
document.getElementById('main').textContent = t('link.opening');
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
// replace(): the back button should not return to a URL holding the token.
location.replace(rememberLink(meta('tcplab-link'), meta('tcplab-next')));
