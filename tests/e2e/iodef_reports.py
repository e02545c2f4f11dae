#!/usr/bin/python3
"""Reads the iodef reports a test received and prints them as one JSON object.

usage: iodef_reports.py MAILDIR REQUESTS
MAILDIR is aiosmtpd's Mailbox (its new/ holds one message a file); REQUESTS the JSON lines of
webhook_receiver.py. Each report's IODEF document is parsed as XML (a parse error fails the
script) and shown by its parts: {"mails": [...], "posts": [...]}.
"""
import email
import email.policy
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:ietf:params:xml:ns:iodef-2.0}"


def document(xml_bytes):
    root = ET.fromstring(xml_bytes)
    incident = root.find(NS + "Incident")
    contact = incident.find(NS + "Contact")
    additional = {}
    for a in incident.findall(NS + "AdditionalData"):
        additional.setdefault(a.get("meaning"), []).append(a.text)
    return {
        "root": root.tag,
        "version": root.get("version"),
        "purpose": incident.get("purpose"),
        "incident_id": incident.find(NS + "IncidentID").text,
        "incident_id_name": incident.find(NS + "IncidentID").get("name"),
        "generation_time": incident.find(NS + "GenerationTime").text,
        "description": incident.find(NS + "Description").text,
        "contact_role": contact.get("role"),
        "contact_type": contact.get("type"),
        "children": [c.tag[len(NS):] for c in incident],
        "additional": additional,
    }


mails = []
new = os.path.join(sys.argv[1], "new")
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    xml_parts = [p for p in m.walk() if p.get_content_type() == "application/iodef+xml"]
    mails.append({
        "rcpt": m.get_all("X-RcptTo", []),
        "to": m.get_all("To", []),
        "bcc": m.get_all("Bcc", []),
        "subject": str(m["Subject"]),
        "xml": [document(p.get_payload(decode=True)) for p in xml_parts],
    })
posts = []
if os.path.exists(sys.argv[2]):
    with open(sys.argv[2]) as f:
        for line in f:
            r = json.loads(line)
            posts.append({
                "path": r["path"],
                "content_type": r["headers"].get("content-type"),
                "idempotency_key": r["headers"].get("idempotency-key"),
                "xml": document(r["body"].encode()),
            })
print(json.dumps({"mails": mails, "posts": posts}))
