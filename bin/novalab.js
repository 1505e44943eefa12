#!/usr/bin/env node
// The novalab command, from the compiled backend (npm run build).
import('../dist/backend/cli/novalab.js');
