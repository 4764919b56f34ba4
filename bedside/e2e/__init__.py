"""End-to-end tests: the real `bedside serve` driven by Debian's Chromium through Playwright."""
