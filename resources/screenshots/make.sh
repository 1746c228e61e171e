#!/bin/sh
# The screenshots of the README and the metainfo, rendered by the app itself
# (`decision-inbox gui --screenshot`) from the demo store: D-1 as fred reads it (changed since
# he acknowledged) and as ana, its owner, sees it; at three window sizes; light and dark.
# Usage: resources/screenshots/make.sh [decision-inbox command]   (`make screenshots`)
set -eu
app=${1:-decision-inbox}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen
for scheme in light dark; do
  for size in 1024x700 1280x800 1920x1080; do
    for who in fred ana; do
      profile="$work/$who-$scheme-$size"
      DECISION_INBOX_COLOR_SCHEME=$scheme "$app" gui --profile-dir "$profile" --demo \
        --user "$who" --select D-1 --size "$size" \
        --screenshot "$here/d1-$who-$size-$scheme.png"
    done
  done
done
