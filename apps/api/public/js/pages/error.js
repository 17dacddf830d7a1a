// The server drew what went wrong; this only adds the header.
import { layout } from '../layout.js';

layout();
