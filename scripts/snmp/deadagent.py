"""A UDP "agent" that never answers: binds 127.0.0.1 on a free port, writes the port to argv[1], then reads and
drops every datagram, so SNMP requests to it time out (unlike a closed port, nothing is refused)."""
import socket
import sys

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
with open(sys.argv[1] + ".tmp", "w") as out:
    out.write(str(sock.getsockname()[1]))
import os
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    sock.recvfrom(65535)
