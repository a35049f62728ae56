"""One DNS A query over UDP: exits 0 when the server answers with at least one record.
usage: dns-query.py <name> <server address>  (no dig on a minimal host)"""
import socket
import struct
import sys

name, server = sys.argv[1], sys.argv[2]
question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
query = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + question + struct.pack(">HH", 1, 1)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(2)
sock.sendto(query, (server, 53))
reply = sock.recv(512)
answers = struct.unpack(">H", reply[6:8])[0]
print(f"{name} @{server}: {answers} answer(s)")
sys.exit(0 if answers > 0 else 1)
