// HAR import (issue 4): Chrome / Firefox HAR → capture events for the session model.
export { importHar, type HarImport, type HarImportResult } from "./import.ts";
