/*
 * A plain (non-Shareable) server object published in a public static field of seam.shs: other
 * contexts can read the reference (getstatic has no firewall check) but not use it
 * (JCRE §6.2.8: field access and invokevirtual on another context's object are refused).
 */
package seam.shs;

public class Plain {
    public short v = 5;

    public short get() {
        return v;
    }
}
