/*
 * A plain object of the applet's context: the constructor of InstallCod keeps one in a
 * CLEAR_ON_DESELECT Object array, as a file system keeps its current directory.
 */
package seam.iso;

public class Node {
    public short id;

    public Node(short id) {
        this.id = id;
    }
}
