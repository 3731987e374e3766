# Sourced by bin/fishchat and bin/test: the browser pages in web/ are built by Node.js (npm
# packages from the npm registry) when the jar is built. Debian's nodejs/npm are installed
# when missing and we are root; otherwise say what to install.
fishchat_need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "fishchat: installing Node.js and npm (Debian) to build the browser pages" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "fishchat: building needs Node.js 18+ and npm for the browser pages (as root: apt-get install nodejs npm)" >&2
      return 1
    fi
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 18 ]; then
    echo "fishchat: Node.js $(node --version) is too old to build the browser pages: 18 or newer is needed" >&2
    return 1
  fi
}
