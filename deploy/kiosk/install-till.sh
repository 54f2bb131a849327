#!/usr/bin/env bash
# Provisions a Debian 12 machine as a Stockfleet till kiosk (steps 2–7 of README.md, idempotent).
#
#   sudo ./install-till.sh --this-is-a-till https://hub.store-net.example
#
# Installs cage, Chromium and CJK fonts; creates the `kiosk` user; installs the launch script, the PAM
# stack, the udev rules, /etc/stockfleet/kiosk.env, the managed Chromium policy and the systemd unit;
# boots to graphical.target with the kiosk on tty1; disables suspend.
#
# !!! NEVER run this on a development or CI machine: the managed policy it installs disables dev
# !!! tools (and so Playwright) and blocks every URL but the hub's, for every Chromium user there.
set -euo pipefail

die() { printf 'install-till: %s\n' "$*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

[ "${1:-}" = "--this-is-a-till" ] && [ -n "${2:-}" ] || {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
origin=${2%/}
[ "$(id -u)" -eq 0 ] || die "run as root"
[ -d /run/systemd/system ] || die "a till needs systemd as init (this machine does not run it)"
src=$(dirname "$(readlink -f "$0")")
lib=/usr/local/lib/stockfleet-kiosk
"$src/render-policy.sh" "$origin" - >/dev/null || die "fix HUB_ORIGIN first"

step "Packages: cage, chromium, fonts (Latin + CJK for zh-Hans / zh-Hant), curl"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends cage chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji curl kbd

step "User kiosk (no password, no shell; groups for serial, HID and USB scanners)"
if ! id kiosk >/dev/null 2>&1; then
  useradd --system --create-home --home-dir /var/lib/stockfleet-kiosk --shell /usr/sbin/nologin kiosk
fi
for g in video input render dialout plugdev; do
  getent group "$g" >/dev/null && usermod -aG "$g" kiosk
done

step "Files"
install -d -m 0755 "$lib" "$lib/policies" /etc/stockfleet /etc/chromium/policies/managed
install -m 0755 "$src/kiosk-launch.sh" "$src/render-policy.sh" "$lib/"
install -m 0644 "$src/policies/stockfleet.json" "$lib/policies/"
install -m 0644 "$src/README.md" "$lib/" 2>/dev/null || true
install -m 0644 "$src/pam.d/stockfleet-kiosk" /etc/pam.d/stockfleet-kiosk
install -m 0644 "$src/udev/70-stockfleet-scanners.rules" /etc/udev/rules.d/
install -m 0644 "$src/stockfleet-kiosk.service" /etc/systemd/system/
if [ -f /etc/stockfleet/kiosk.env ]; then
  sed -i "s|^STOCKFLEET_HUB_ORIGIN=.*|STOCKFLEET_HUB_ORIGIN=${origin}|" /etc/stockfleet/kiosk.env
else
  sed "s|^STOCKFLEET_HUB_ORIGIN=.*|STOCKFLEET_HUB_ORIGIN=${origin}|" "$src/kiosk.env.example" >/etc/stockfleet/kiosk.env
  chmod 0644 /etc/stockfleet/kiosk.env
fi
udevadm control --reload && udevadm trigger || true

step "Managed Chromium policy for $origin"
"$lib/render-policy.sh" "$origin"

step "Boot straight into the kiosk; never suspend"
systemctl daemon-reload
systemctl set-default graphical.target
systemctl mask sleep.target suspend.target hibernate.target hybrid-sleep.target >/dev/null
systemctl enable stockfleet-kiosk.service

printf '\nDone. Start it now with:  systemctl start stockfleet-kiosk   (or reboot)\n'
printf 'Then pair the till with an enrolment code from Admin → Fleet (README.md, step 8).\n'
