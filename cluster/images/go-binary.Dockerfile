# One static Go binary (CGO_ENABLED=0) on an empty image, run as the non-root
# user 65532 (distroless' "nonroot"). The binary is at PATH_IN_IMAGE (default
# /usr/local/bin/<name>, on PATH, for manifests that name a command, as
# kubeadm's do) and /entrypoint links to it (for manifests that name none, as
# ko-built Knative images). RUN_AS gives another user for images whose
# upstream runs as one (the control plane as root, as kubeadm's static pods expect).
#   build-image.sh cluster/images/go-binary.Dockerfile <dir holding the binary> <image:tag> \
#     --build-arg BINARY=<name> [--build-arg PATH_IN_IMAGE=/coredns] [--build-arg RUN_AS=0:0] \
#     [--build-arg FILE_CAPABILITIES=cap_net_bind_service=+ep]
# FILE_CAPABILITIES are set on the binary (setcap), as CoreDNS's own image does so that its
# non-root user may bind port 53; only for pods that keep that capability, or exec fails.
# The stage that lays out the files needs a shell: the Debian base (base-images.sh).
ARG TOOLS_IMAGE=127.0.0.1:5000/platform/debian:bookworm

FROM ${TOOLS_IMAGE} AS layout
ARG BINARY
ARG PATH_IN_IMAGE=/usr/local/bin/${BINARY}
ARG FILE_CAPABILITIES=""
COPY ${BINARY} /out${PATH_IN_IMAGE}
RUN test -x "/out${PATH_IN_IMAGE}" \
 && if [ -n "${FILE_CAPABILITIES}" ]; then apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libcap2-bin >/dev/null \
      && setcap "${FILE_CAPABILITIES}" "/out${PATH_IN_IMAGE}"; fi \
 && ln -s "${PATH_IN_IMAGE}" /out/entrypoint \
 && mkdir -p /out/etc /out/tmp && chmod 1777 /out/tmp \
 && echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > /out/etc/passwd \
 && echo 'nonroot:x:65532:' > /out/etc/group

FROM scratch
ARG RUN_AS=65532:65532
COPY --from=layout /out/ /
USER ${RUN_AS}
ENTRYPOINT ["/entrypoint"]
