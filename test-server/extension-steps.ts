// ┌──────────────────────────────────────────────────────────────────────────────────────────┐
// │ EXTENSION BUILD / LOAD INSTRUCTIONS printed by `npm start`.                               │
// │ Owned by the extension engineer: replace the body of extensionSteps() freely; start.ts   │
// │ prints each returned line, indented, under "Next:" before the demo-page steps.           │
// └──────────────────────────────────────────────────────────────────────────────────────────┘

/** Lines telling a person how to build and load the extension (one instruction per line). */
export function extensionSteps(): string[] {
  return [
    "Build the extension:   npm run build   (writes dist/chrome and dist/firefox)",
    "Chrome:  chrome://extensions → Developer mode → Load unpacked → dist/chrome",
    "Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on → dist/firefox/manifest.json",
  ];
}
