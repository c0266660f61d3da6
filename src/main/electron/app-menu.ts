import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * A minimal menu: Reload, Quit, DevTools only in development. The Edit roles are there because
 * without them macOS has no copy and paste shortcuts in the window.
 */
export function buildAppMenu(options: { development: boolean; platform: NodeJS.Platform }): Menu {
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }];
  if (options.development) view.push({ role: 'toggleDevTools' });
  const template: MenuItemConstructorOptions[] = [
    ...(options.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
  ];
  return Menu.buildFromTemplate(template);
}
