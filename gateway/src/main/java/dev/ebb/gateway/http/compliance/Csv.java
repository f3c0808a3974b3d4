package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.DisclosedRecord;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/** RFC 4180 CSV of disclosed records: a header row of field names, CRLF line ends, fields quoted when needed. */
final class Csv {
    private static final RecordComponent[] COLUMNS = DisclosedRecord.class.getRecordComponents();

    private Csv() {
    }

    /** The header line, then one line per record, each ending in CRLF (RFC 4180 §2), made as they are read. */
    static Iterator<byte[]> lines(List<DisclosedRecord> records) {
        Iterator<DisclosedRecord> rows = records.iterator();
        return new Iterator<>() {
            private boolean header = true;

            @Override
            public boolean hasNext() {
                return header || rows.hasNext();
            }

            @Override
            public byte[] next() {
                StringBuilder line = new StringBuilder(128);
                if (header) {
                    header = false;
                    for (int i = 0; i < COLUMNS.length; i++) {
                        line.append(i == 0 ? "" : ",").append(COLUMNS[i].getName());
                    }
                } else {
                    DisclosedRecord r = rows.next();
                    for (int i = 0; i < COLUMNS.length; i++) {
                        Object v = value(COLUMNS[i], r);
                        line.append(i == 0 ? "" : ",").append(v == null ? "" : quote(v.toString()));
                    }
                }
                return line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** RFC 4180 §2: fields with commas, quotes or line breaks are quoted, quotes doubled. */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static Object value(RecordComponent c, DisclosedRecord r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("record accessor " + c.getName() + " not callable", e);
        }
    }
}
