/* An applet-defined exception (tests/test_jcvm.c). */
package seam.vmt;

public class MyException extends RuntimeException {
    short code;

    MyException(short code) {
        this.code = code;
    }
}
