#!/usr/bin/env node
// The govbot ops CLI: runs the compiled TypeScript (npm install / npm run build produce dist/).
import '../dist/src/cli/main.js';
