#!/bin/sh
# Runs the example spider.
cd "$(dirname "$0")" && exec python3 main.py "$@"
