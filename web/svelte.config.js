// Runes everywhere: a component that still uses `export let` or `$:` fails to compile.
export default {
  compilerOptions: { runes: true },
};
