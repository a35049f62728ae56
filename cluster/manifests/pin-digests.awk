# awk -f pin-digests.awk DIGESTS MANIFESTS
# DIGESTS: lines "name:tag sha256:...". MANIFESTS: rendered YAML, printed with each
# `image: name:tag` of a Knative Service or a Job pinned to its digest (name:tag@digest).
# Other kinds keep their tags (apply.sh says why).
# awk -v list=1 -f pin-digests.awk MANIFESTS: only the images it would pin, once each.
!list && FNR == NR { digest[$1] = $2; next }
function flush(   i, line, image) {
  for (i = 1; i <= n; i++) {
    line = lines[i]
    if (pin && line ~ /^[[:space:]]*image:[[:space:]]*[^ @]*:[^ @\/]*[[:space:]]*$/) {
      image = line
      sub(/^[[:space:]]*image:[[:space:]]*/, "", image)
      sub(/[[:space:]]*$/, "", image)
      if (list && !(image in listed)) { listed[image] = 1; print image }
      if (image in digest) sub(/[[:space:]]*$/, "@" digest[image], line)
    }
    if (!list) print line
  }
  n = 0
  pin = 0
}
/^---/ { flush(); if (!list) print; next }
{ lines[++n] = $0 }
/^kind: (Service|Job)[[:space:]]*$/ { pin = 1 }
END { flush() }
