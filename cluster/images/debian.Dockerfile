# The Debian base: a `debootstrap --variant=minbase bookworm` root filesystem
# as one layer (base-images.sh makes rootfs.tar, cached outside the repository).
FROM scratch
ADD rootfs.tar /
ENV LANG=C.UTF-8
CMD ["bash"]
