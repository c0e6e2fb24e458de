# pywork.py - ordinary Python work for the overhead benchmark: dicts, strings, lists, sorting.
import collections
import json

counts = collections.Counter()
rows = []
for i in range(300000):
    key = "k%d" % (i % 5000)
    counts[key] += 1
    rows.append({"id": i, "name": key.upper(), "tags": [key, str(i % 7)]})
rows.sort(key=lambda r: (r["name"], -r["id"]))
text = json.dumps(rows[:20000])
print(len(text), len(counts), sum(len(r["tags"]) for r in rows))
