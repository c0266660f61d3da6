/**
 * The sandboxed preload: exposes `window.studio` with exactly two functions over the contract's
 * two channels, and nothing of Electron or Node. Whatever the page passes is forwarded as data;
 * the main process checks the sender and validates the request.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type PreloadBridge, type WireEvent, type WireResult } from '../shared/contract/wire';

const bridge: PreloadBridge = {
  invoke(op: string, request: unknown): Promise<WireResult<unknown>> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, op, request) as Promise<WireResult<unknown>>;
  },
  subscribe(listener: (message: WireEvent) => void): () => void {
    // The IPC event object is not passed on: it would hand the page a reference to ipcRenderer.
    const handler = (_event: IpcRendererEvent, message: WireEvent): void => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
