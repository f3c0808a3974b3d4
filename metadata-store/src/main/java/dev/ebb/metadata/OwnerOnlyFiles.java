package dev.ebb.metadata;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only the account running Ebb may read: secret keys and the audit log (issue 9: they were created 0644). On a
 * POSIX file system a new file gets mode 0600 and a new directory 0700 from the call that creates it, so there is no
 * moment in which another account can open it (the umask can only narrow that); other file systems keep their own
 * access control. Shared by the metadata store and the gateway, which both keep keys.
 */
public final class OwnerOnlyFiles {
    private static final FileAttribute<Set<PosixFilePermission>> FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /** {@link FileChannel#open(Path, Set, FileAttribute[])} that creates the file (if an option says so) as 0600. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), posix(file) ? new FileAttribute<?>[] {FILE}
                : new FileAttribute<?>[0]);
    }

    /** Creates {@code dir} and each missing parent as 0700; existing directories are left as they are. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (absolute.getParent() != null) {
            createDirectories(absolute.getParent());
        }
        if (posix(absolute)) {
            Files.createDirectory(absolute, DIRECTORY);
        } else {
            Files.createDirectory(absolute);
        }
    }

    /**
     * Refuses a secret file that another account could read or change: the caller refuses to start with this one-line
     * message, which says how to fix it.
     *
     * @throws UnprotectedKeyFileException if group or others have any permission on {@code file}
     */
    public static void requireOwnerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> mode = view.readAttributes().permissions();
        if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new UnprotectedKeyFileException("key file " + file + " is accessible to group or others ("
                    + PosixFilePermissions.toString(mode) + "); fix it with: chmod 600 " + file);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
