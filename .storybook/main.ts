import type { StorybookConfig } from '@storybook/web-components-vite';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every export of every workspace package, pointed at its TypeScript source rather than dist/,
 * so stories show edits at once.
 */
function sourceAliases(): { find: string; replacement: string }[] {
  const aliases: { find: string; replacement: string }[] = [];
  for (const folder of readdirSync(join(root, 'packages'))) {
    const manifestPath = join(root, 'packages', folder, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      exports?: Record<string, string | { default?: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === 'string' ? target : target.default;
      if (!file?.startsWith('./dist/') || !file.endsWith('.js')) continue;
      aliases.push({
        find: `${manifest.name}${subpath.slice(1)}`,
        replacement: join(
          root,
          'packages',
          folder,
          'src',
          file.slice('./dist/'.length, -'.js'.length) + '.ts',
        ),
      });
    }
  }
  // Longest first, so a subpath wins over its package's root entry.
  return aliases.sort((a, b) => b.find.length - a.find.length);
}

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    viteConfig.resolve ??= {};
    viteConfig.resolve.alias = [
      ...sourceAliases().map(({ find, replacement }) => ({
        find: new RegExp(`^${find.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
        replacement,
      })),
      ...(Array.isArray(viteConfig.resolve.alias) ? viteConfig.resolve.alias : []),
    ];
    return viteConfig;
  },
};

export default config;
