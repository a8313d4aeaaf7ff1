# Differential check (scripts/diffcheck, the `differential` boot scenario):
# run by busybox sh on the host and on Amphi, in an empty scratch directory;
# the outputs must match line for line. Deterministic: no times, pids,
# sizes of host files or directory listings of anything but what it makes.
d=diffcheck.$$
mkdir "$d" && cd "$d" || exit 1
echo "arith: $((6 * 7)) $((17 / 5)) $((17 % 5)) $((1 << 10)) $(( (3 + 4) * -2 ))"
i=0; s=0; while [ $i -lt 100 ]; do i=$((i + 1)); s=$((s + i)); done; echo "sum 1..100 = $s"
x="Hello, Amphi world"; echo "len=${#x} prefix=${x%% *} suffix=${x##* } sub=${x#Hello, }"
printf '%5d|%-6s|%x|%o|%.3f|%c\n' 42 ab 255 8 3.14159 Z
printf '%s\n' one two three | tr a-z A-Z
seq 1 20 > nums; wc -l < nums; tail -n 3 nums | tr '\n' ' '; echo
awk '{ s += $1; p = p * 1 + ($1 % 3 == 0) } END { print "awk:", s, p, NR }' nums
for w in pear apple fig banana apple cherry; do echo $w; done > fruit
sort fruit | uniq -c | sed 's/^ *//'
sort -r fruit | head -2; sort -u fruit | wc -l
sed -n '2,4p;$p' fruit | sed 's/a/A/g'
awk 'length($0) > 4 { print NR": "toupper($0) }' fruit
grep -n an fruit; grep -vc a fruit
cut -c1-3 fruit | paste -s -d, -
echo "a:b:c:d" | awk -F: '{ print $3 $1, NF }'
i=0; while [ $i -lt 50 ]; do echo "line $i $((i * i % 17))"; i=$((i + 1)); done > data
wc -l < data; wc -c < data; md5sum < data | cut -d' ' -f1
sort -t' ' -k3,3n -k2,2nr data | head -4
head -c 1000 /dev/zero | od -An -tx1 | head -2
printf 'x\ty\tz\n1\t2\t3\n' | cut -f2; echo "$(echo nested $(echo subst))"
case "abc.tar.gz" in *.tar.gz) echo tarball;; *) echo other;; esac
set -- alpha beta gamma; echo "$# ${2} $*"; shift; echo "$@"
f() { local r=$(( $1 * $1 )); echo "sq($1)=$r"; return $(( $1 % 2 )); }; f 7; echo "ret=$?"; f 8; echo "ret=$?"
mkdir -p t/u/v && echo deep > t/u/v/w && find t | sort && cat t/u/v/w
ln -s w t/u/v/link && readlink t/u/v/link && cat t/u/v/link
cp data data2 && cmp data data2 && echo same; echo extra >> data2; cmp -s data data2 || echo differ
(exit 5); echo "subshell=$?"; false || echo "or-else"; true && echo "and-then"
cd .. && rm -r "$d" && echo cleaned
