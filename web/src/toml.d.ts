// Vite's TOML plugin (vite.config.ts) turns a .toml file into its parsed value.
declare module "*.toml" {
  const value: unknown;
  export default value;
}
