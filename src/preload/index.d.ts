// The renderer's view of the preload (tsconfig.web.json includes this file): in Electron
// `window.studio` is the bridge; in a browser (the web host) it is undefined.
import { type PreloadBridge } from '../shared/contract/wire';

declare global {
  interface Window {
    studio: PreloadBridge | undefined;
  }
}

export {};
