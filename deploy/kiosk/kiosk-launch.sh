#!/usr/bin/env bash
# Starts Chromium as the Stockfleet till kiosk. stockfleet-kiosk.service runs it inside `cage` (a
# Wayland kiosk compositor) as the `kiosk` user; when Chromium exits, cage exits and systemd restarts both.
#
# Configuration (from /etc/stockfleet/kiosk.env via the unit):
#   STOCKFLEET_HUB_ORIGIN   required, e.g. https://hub.store-net.example
#   STOCKFLEET_TILL_URL     default $STOCKFLEET_HUB_ORIGIN/till/
#   STOCKFLEET_PROFILE_DIR  default /var/lib/stockfleet-kiosk/chromium  (must persist: see below)
#   STOCKFLEET_CHROMIUM     default /usr/bin/chromium
#   STOCKFLEET_EXTRA_FLAGS  extra Chromium flags, space-separated (e.g. --kiosk-printing)
set -euo pipefail

: "${STOCKFLEET_HUB_ORIGIN:?set STOCKFLEET_HUB_ORIGIN in /etc/stockfleet/kiosk.env}"
origin=${STOCKFLEET_HUB_ORIGIN%/}
till_url=${STOCKFLEET_TILL_URL:-$origin/till/}
profile=${STOCKFLEET_PROFILE_DIR:-/var/lib/stockfleet-kiosk/chromium}
chromium=${STOCKFLEET_CHROMIUM:-/usr/bin/chromium}

# The profile holds the till's device token, the IndexedDB outbox of unsent sales and count scans,
# the cached app (service worker) and the scanner grants. It must survive reboots: never point it
# at a tmpfs, never use --incognito / --guest, never wipe it to "fix" a till (re-pair instead).
mkdir -p "$profile"

# After a power cut Chromium thinks it crashed and offers to restore pages; tell it the last exit was clean.
prefs="$profile/Default/Preferences"
if [ -f "$prefs" ]; then
  sed -i -e 's/"exited_cleanly":false/"exited_cleanly":true/' -e 's/"exit_type":"[A-Za-z]*"/"exit_type":"Normal"/' "$prefs" || true
fi
# A lock left by a crashed instance would make the new one refuse to start. systemd guarantees this
# is the only instance, so a lock here is always stale.
rm -f "$profile/SingletonLock" "$profile/SingletonSocket" "$profile/SingletonCookie"

# On a cold boot the network may come up after us. The app is offline-first (service worker), so wait
# only a little for the hub, and only to make the very first start (before anything is cached) smooth.
if command -v curl >/dev/null 2>&1; then
  for _ in $(seq 1 30); do
    curl -fsS -o /dev/null --max-time 2 "$origin/healthz" && break
    sleep 1
  done
fi

flags=(
  # Full screen with no tabs, URL bar, menus or window controls; F11 / Esc do not leave it.
  --kiosk
  # Open the till as an app window (no browser chrome even if kiosk mode were dropped).
  "--app=$till_url"
  # The persistent profile described above.
  "--user-data-dir=$profile"
  # cage is a Wayland compositor: render natively instead of through Xwayland.
  --ozone-platform=wayland
  # No error dialogs (profile errors, crash reports) on a screen nobody can dismiss with a mouse.
  --noerrdialogs
  # No "Restore pages?" bubble after a crash or power cut.
  --hide-crash-restore-bubble
  # No first-run wizard and no "make Chromium your default browser" bar.
  --no-first-run
  --no-default-browser-check
  # No translate bar over the till (legacy switch; TranslateUI below and the TranslateEnabled
  # policy are what current Chromium honours).
  --disable-translate
  --disable-features=TranslateUI
  # Touch screen: two-finger pinch must not zoom the till UI.
  --disable-pinch
  # Touch screen: a horizontal swipe must not navigate back / forward.
  --overscroll-history-navigation=0
  # Scan beeps must sound even before the first touch after a (remote) reload.
  --autoplay-policy=no-user-gesture-required
  # No gnome-keyring / kwallet unlock prompt: the kiosk stores no passwords.
  --password-store=basic
  # Chromium is updated by apt, not by itself: no "update Chromium" nag bubble.
  --check-for-update-interval=31536000
  # Store networks are closed: no component downloads and no background calls to Google
  # (service-worker updates of the till app are page-initiated and unaffected).
  --disable-component-update
  --disable-background-networking
  --disable-sync
)

# Extra flags from the environment, e.g. --kiosk-printing when receipts go through window.print()
# (see README.md, "Receipts and printing").
if [ -n "${STOCKFLEET_EXTRA_FLAGS:-}" ]; then
  read -r -a extra <<<"$STOCKFLEET_EXTRA_FLAGS"
  flags+=("${extra[@]}")
fi

exec "$chromium" "${flags[@]}" "$@"
