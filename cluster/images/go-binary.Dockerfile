# One static Go binary (CGO_ENABLED=0) on an empty image, run as the non-root
# user 65532 (distroless' "nonroot"). The binary is at PATH_IN_IMAGE (default
# /usr/local/bin/<name>, on PATH, for manifests that name a command, as
# kubeadm's do) and /entrypoint links to it (for manifests that name none, as
# ko-built Knative images). RUN_AS gives another user for images whose
# upstream runs as one (the control plane as root, as kubeadm's static pods expect).
#   build-image.sh cluster/images/go-binary.Dockerfile <dir holding the binary> <image:tag> \
#     --build-arg BINARY=<name> [--build-arg PATH_IN_IMAGE=/coredns] [--build-arg RUN_AS=0:0]
# The stage that lays out the files needs a shell: the Debian base (base-images.sh).
ARG TOOLS_IMAGE=127.0.0.1:5000/platform/debian:bookworm

FROM ${TOOLS_IMAGE} AS layout
ARG BINARY
ARG PATH_IN_IMAGE=/usr/local/bin/${BINARY}
COPY ${BINARY} /out${PATH_IN_IMAGE}
RUN test -x "/out${PATH_IN_IMAGE}" \
 && ln -s "${PATH_IN_IMAGE}" /out/entrypoint \
 && mkdir -p /out/etc /out/tmp && chmod 1777 /out/tmp \
 && echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > /out/etc/passwd \
 && echo 'nonroot:x:65532:' > /out/etc/group

FROM scratch
ARG RUN_AS=65532:65532
COPY --from=layout /out/ /
USER ${RUN_AS}
ENTRYPOINT ["/entrypoint"]
