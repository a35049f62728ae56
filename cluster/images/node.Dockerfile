# The Node base for machines that cannot pull the official Node LTS image: the
# Debian base and this machine's own `node` binary (glibc, dynamically linked
# against libraries minbase has). Users as in the official image (node, 1000).
ARG DEBIAN_IMAGE=127.0.0.1:5000/platform/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version
CMD ["node"]
