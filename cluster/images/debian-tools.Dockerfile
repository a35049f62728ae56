# A Go binary on the Debian base, with the Debian packages it needs at run time
# (kube-proxy: iptables). Runs as root: such components change the node's
# network configuration (kube-proxy's pod runs privileged, as kubeadm's does).
# The binary keeps its mode from the context (a chmod here would copy it into a second layer).
#   build-image.sh cluster/images/debian-tools.Dockerfile <dir holding the binary> <image:tag> \
#     --build-arg BINARY=kube-proxy [--build-arg PACKAGES="..." (default: kube-proxy's)] [--build-arg PATH_IN_IMAGE=...]
ARG DEBIAN_IMAGE=127.0.0.1:5000/platform/debian:bookworm
FROM ${DEBIAN_IMAGE}
ARG PACKAGES="iptables conntrack ipset kmod"
RUN if [ -n "${PACKAGES}" ]; then apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${PACKAGES} \
      && rm -rf /var/lib/apt/lists/*; fi
ARG BINARY
ARG PATH_IN_IMAGE=/usr/local/bin/${BINARY}
COPY ${BINARY} ${PATH_IN_IMAGE}
RUN test -x "${PATH_IN_IMAGE}" && ln -s "${PATH_IN_IMAGE}" /entrypoint
ENTRYPOINT ["/entrypoint"]
