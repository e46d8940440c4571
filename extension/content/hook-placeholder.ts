// Stand-in for the MAIN-world hook while extension/hook/ has no entry point yet, so the rest
// of the extension builds and loads. scripts/build.ts uses extension/hook/index.ts when it exists.
export {};
